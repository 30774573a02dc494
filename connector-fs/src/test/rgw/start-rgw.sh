#!/usr/bin/env bash
# Starts a single-node Ceph cluster with a RADOS Gateway (S3) on 127.0.0.1, everything under one
# scratch folder, no root daemons, no disks: one ceph-mon, one ceph-osd on memstore (in memory),
# no mgr, no authentication between daemons, pools of size 1. Needs Debian's radosgw, ceph-mon and
# ceph-osd packages (Ceph 16 "pacific" on Debian 12).
#
#   start-rgw.sh DIR [MEMSTORE_BYTES]
#
# Prints, on its last lines, KEY=VALUE pairs the caller reads (also written to DIR/rgw.env):
#   RGW_ENDPOINT=http://127.0.0.1:PORT  RGW_ACCESS_KEY=...  RGW_SECRET_KEY=...
# Stop with stop-rgw.sh DIR. Logs: DIR/log/.
set -euo pipefail

DIR=$(mkdir -p "${1:?usage: start-rgw.sh DIR [MEMSTORE_BYTES]}" && cd "$1" && pwd)
MEMSTORE_BYTES=${2:-$((3 * 1024 * 1024 * 1024))}
for tool in ceph ceph-mon ceph-osd radosgw radosgw-admin monmaptool; do
  command -v "$tool" >/dev/null || { echo "start-rgw.sh: $tool not found (apt-get install -y radosgw ceph-mon ceph-osd)" >&2; exit 3; }
done

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

"$(dirname "$0")/stop-rgw.sh" "$DIR" >/dev/null 2>&1 || true
rm -rf "$DIR"/{mon,osd,run,log,ceph.conf,monmap,rgw.env}
mkdir -p "$DIR"/{mon,osd,run,log}
MON_PORT=$(free_port)
RGW_PORT=$(free_port)
FSID=$(python3 -c 'import uuid; print(uuid.uuid4())')
CONF="$DIR/ceph.conf"

cat > "$CONF" <<CONF
[global]
fsid = $FSID
mon_host = v1:127.0.0.1:$MON_PORT
mon_initial_members = a
ms_bind_msgr2 = false
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
ms_mon_client_mode = crc
ms_client_mode = crc
ms_cluster_mode = crc
ms_service_mode = crc
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
mon_allow_pool_size_one = true
mon_max_pg_per_osd = 1000
osd_crush_chooseleaf_type = 0
run_dir = $DIR/run
log_file = $DIR/log/\$name.log
admin_socket = $DIR/run/\$name.asok
pid_file = $DIR/run/\$name.pid
mon_data = $DIR/mon/\$cluster-\$id
osd_data = $DIR/osd/\$cluster-\$id
keyring = $DIR/keyring
osd_objectstore = memstore
memstore_device_bytes = $MEMSTORE_BYTES
osd_memory_target = 939524096
mon_warn_on_pool_no_redundancy = false
[client.rgw.local]
rgw_frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw_data = $DIR/rgw
log_file = $DIR/log/rgw.log
CONF

step() { echo "start-rgw.sh: $*"; }
trap 'echo "start-rgw.sh: failed (exit $?) at line $LINENO; logs in $DIR/log" >&2' ERR

step "monitor on 127.0.0.1:$MON_PORT"
monmaptool --create --addv a "[v1:127.0.0.1:$MON_PORT]" --fsid "$FSID" "$DIR/monmap" >/dev/null
ceph-mon -c "$CONF" --mkfs -i a --monmap "$DIR/monmap" >/dev/null
ceph-mon -c "$CONF" -i a
# the monitor takes a few seconds to form its quorum of one (longer on a loaded machine)
for _ in $(seq 1 60); do
  ceph -c "$CONF" --connect-timeout 10 mon stat >/dev/null 2>&1 && break
  sleep 1
done
step "object store daemon (memstore, $MEMSTORE_BYTES bytes)"
OSD_UUID=$(python3 -c 'import uuid; print(uuid.uuid4())')
# a monitor still settling answers EPERM ("problem getting command descriptions"): ask again
OSD_ID=
for _ in $(seq 1 60); do
  OSD_ID=$(ceph -c "$CONF" --connect-timeout 20 osd create "$OSD_UUID" 2>>"$DIR/log/osd-create.out") && break
  sleep 1
done
[ -n "$OSD_ID" ] || { echo "start-rgw.sh: the monitor never answered 'osd create'; see $DIR/log" >&2; exit 5; }
mkdir -p "$DIR/osd/ceph-$OSD_ID"
ceph-osd -c "$CONF" -i "$OSD_ID" --mkfs --osd-uuid "$OSD_UUID" >"$DIR/log/osd-mkfs.out" 2>&1
ceph-osd -c "$CONF" -i "$OSD_ID" 2>>"$DIR/log/osd-start.out"
mkdir -p "$DIR/rgw"
step "gateway on 127.0.0.1:$RGW_PORT"
radosgw -c "$CONF" -n client.rgw.local 2>>"$DIR/log/rgw-start.out"

for _ in $(seq 1 120); do
  if (exec 3<>/dev/tcp/127.0.0.1/$RGW_PORT) 2>/dev/null; then break; fi
  sleep 0.5
done
(exec 3<>/dev/tcp/127.0.0.1/$RGW_PORT) 2>/dev/null || { echo "start-rgw.sh: radosgw did not listen on $RGW_PORT; see $DIR/log" >&2; exit 4; }

step "user"
ACCESS_KEY="rgw$(python3 -c 'import secrets; print(secrets.token_hex(6))')"
SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(20))')
radosgw-admin -c "$CONF" user create --uid s3dlio --display-name s3dlio \
  --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" >/dev/null
{
  echo "RGW_ENDPOINT=http://127.0.0.1:$RGW_PORT"
  echo "RGW_ACCESS_KEY=$ACCESS_KEY"
  echo "RGW_SECRET_KEY=$SECRET_KEY"
} > "$DIR/rgw.env"
cat "$DIR/rgw.env"
