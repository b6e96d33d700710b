import json,sys,collections
a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))
def idx(fs): return {(f['flow'],f['key']):f for f in fs}
A=idx(a);B=idx(b)
print('findings',len(a),len(b))
c=collections.Counter()
for k in A.keys()|B.keys():
    fa=A.get(k); fb=B.get(k)
    if not fa or not fb: c[('missing' if not fb else 'new', k[0])]+=1; continue
    if fa['status']!=fb['status']: c[(k[0], fa['status'],'->',fb['status'])]+=1
    elif json.dumps(fa)!=json.dumps(fb): c[(k[0],'changed-same-status',fa['status'])]+=1
for k,v in sorted(c.items(), key=lambda x:-x[1]): print(v,k)
