#!/usr/bin/env bash
# One NGO ring of three at scale through the CLI (issue 15): every step a separate process, timed
# with its peak RSS by /usr/bin/time into times.txt. Run in an empty scratch directory after
# "npm run build":  N=100000 bash <repo>/bench/scale-ring.sh   (ristretto255, default threads,
# QPSI_SCRYPT_LOG_N=10 so that the key derivation does not dominate small steps).
set -e
N=${N:-100000}
Q="node ${QPSI_CLI:-$(dirname "$0")/../dist/cli/cli.js}"
export QPSI_SCRYPT_LOG_N=10
T() { local tag=$1; shift; /usr/bin/time -f "$tag %e s %M KB" -a -o times.txt "$@" > /dev/null; }
for n in uk ca nl; do QPSI_PASSPHRASE=pw-$n $Q keygen ngo --out $n >/dev/null; done
python3 - <<PY
import json, hashlib
N=$N
m=[{"jurisdiction":j.upper(),"signingPublicKey":open(f"{j}/ngo-signing.pub").read().strip()} for j in ["uk","ca","nl"]]
json.dump({"suite":"ristretto255","deploymentId":"scale","rule":2,"itemWidth":16,"members":m},open("roster.json","w"))
def h(t,i): return hashlib.sha256(f"{t}{i}".encode()).hexdigest()[:32]
shared=[h("s",i) for i in range(N//10)]
for j in ["uk","ca","nl"]:
    open(f"{j}/list.txt","w").write("\n".join(shared+[h(j,i) for i in range(N-N//10)]))
PY
for n in uk ca nl; do QPSI_PASSPHRASE=pw-$n T "init-$n" $Q ngo init --roster roster.json --key $n/ngo-signing.key --list $n/list.txt --state $n/state --out $n/nonce.bin; done
$Q run --roster roster.json --nonce uk/nonce.bin --nonce ca/nonce.bin --nonce nl/nonce.bin --out run.json >/dev/null
for n in uk ca nl; do QPSI_PASSPHRASE=pw-$n T "commit-$n" $Q ngo commit --state $n/state --run run.json --out $n/commitment.bin; done
C="--commitment uk/commitment.bin --commitment ca/commitment.bin --commitment nl/commitment.bin"
for n in uk ca nl; do QPSI_PASSPHRASE=pw-$n T "mask-$n" $Q ngo mask --quiet --state $n/state $C --out $n/c-$n-0.bin; done
QPSI_PASSPHRASE=pw-ca T hop-ca-1 $Q ngo hop --quiet --state ca/state --in uk/c-uk-0.bin --out ca/c-uk-1.bin
QPSI_PASSPHRASE=pw-nl T hop-nl-1 $Q ngo hop --quiet --state nl/state --in ca/c-ca-0.bin --out nl/c-ca-1.bin
QPSI_PASSPHRASE=pw-uk T hop-uk-1 $Q ngo hop --quiet --state uk/state --in nl/c-nl-0.bin --out uk/c-nl-1.bin
QPSI_PASSPHRASE=pw-nl T hop-nl-2 $Q ngo hop --quiet --state nl/state --in ca/c-uk-1.bin --out nl/c-uk-2.bin
QPSI_PASSPHRASE=pw-uk T hop-uk-2 $Q ngo hop --quiet --state uk/state --in nl/c-ca-1.bin --out uk/c-ca-2.bin
QPSI_PASSPHRASE=pw-ca T hop-ca-2 $Q ngo hop --quiet --state ca/state --in uk/c-nl-1.bin --out ca/c-nl-2.bin
T board $Q board --roster roster.json --run run.json --chain nl/c-uk-2.bin --chain uk/c-ca-2.bin --chain ca/c-nl-2.bin --out board.bin
for n in uk ca nl; do QPSI_PASSPHRASE=pw-$n T "qualify-$n" $Q ngo qualify --quiet --state $n/state --board board.bin; QPSI_PASSPHRASE=pw-$n T "contribute-$n" $Q ngo contribute --state $n/state --out $n/contribution.bin; done
echo done >> times.txt
