#!/bin/sh
# Light benchmark hosts: each one a network namespace with its own sshd and a private tmpfs on /srv.
#   bench/hosts.sh up N DIR     start N hosts; writes DIR/{inventory.yml,hosts.txt,known_hosts,client_key}
#   bench/hosts.sh reset DIR    empty every host's /srv (cold state), without SSH
#   bench/hosts.sh seed DIR     copy host 1's /srv to every other host (converged state), without SSH
#   bench/hosts.sh down DIR     stop the sshds, delete namespaces, veths and the bridge
# Names (drbench*) and the subnet (10.88.0.0/16) are distinct from the lab's (drover-lab*, 10.77.0.0/24).
set -eu

BRIDGE=drbench0
BRIDGE_IP=10.88.0.1
NS_PREFIX=drbench-
ROOT_DOTFILES='cp /usr/share/base-files/dot.bashrc /root/.bashrc && cp /usr/share/base-files/dot.profile /root/.profile'

cmd=${1:?usage: hosts.sh up N DIR | reset DIR | seed DIR | down DIR}

# Host i (1-based) gets 10.88.A.B with B in 10..209, so 500 hosts fit in A = 0..2.
address_of() {
  echo "10.88.$(( ($1 - 1) / 200 )).$(( ($1 - 1) % 200 + 10 ))"
}

start_hosts() {
  n=$1 dir=$2
  mkdir -p "$dir"
  rm -f "$dir/host_key" "$dir/host_key.pub" "$dir/client_key" "$dir/client_key.pub"
  ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key"
  ssh-keygen -q -t ed25519 -N '' -f "$dir/client_key"
  cp "$dir/client_key.pub" "$dir/authorized_keys"
  chmod 600 "$dir/authorized_keys"
  mkdir -p /run/sshd
  cat > "$dir/sshd_config" <<EOF
HostKey $dir/host_key
AuthorizedKeysFile $dir/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
UseDNS no
MaxStartups 1000:30:2000
MaxSessions 100
Subsystem sftp internal-sftp
EOF
  ip link add "$BRIDGE" type bridge
  ip addr add "$BRIDGE_IP/16" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  : > "$dir/hosts.txt"
  : > "$dir/known_hosts"
  key=$(cut -d' ' -f1,2 "$dir/host_key.pub")
  {
    echo "all:"
    echo "  hosts:"
  } > "$dir/inventory.yml"
  i=1
  while [ "$i" -le "$n" ]; do
    ns="$NS_PREFIX$i" ip4=$(address_of "$i")
    ip netns add "$ns"
    ip link add "dbv$i" type veth peer name host0 netns "$ns"
    ip link set "dbv$i" master "$BRIDGE" up
    ip -n "$ns" addr add "$ip4/16" dev host0
    ip -n "$ns" link set host0 up
    ip -n "$ns" link set lo up
    # /root is private too and holds what a fresh Debian root has (base-files' dot files): the
    # controller's own /root/.bashrc (here it runs pyenv init, over 170 processes per login) must
    # not run on every exec of every host.
    ip netns exec "$ns" unshare --mount --propagation private sh -c \
      "mount -t tmpfs -o size=16m none /srv && mount -t tmpfs -o size=1m,mode=0700 none /root && $ROOT_DOTFILES && exec /usr/sbin/sshd -f '$dir/sshd_config' -o ListenAddress=$ip4 -o PidFile=/run/sshd-$ns.pid"
    echo "$ip4" >> "$dir/hosts.txt"
    echo "$ip4 $key" >> "$dir/known_hosts"
    printf '    h%s:\n      ansible_host: %s\n' "$i" "$ip4" >> "$dir/inventory.yml"
    i=$((i + 1))
  done
  echo "$n" > "$dir/count"
  # Wait until every sshd listens (sshd daemonizes after binding, so the pid file is the signal).
  tries=0
  while :; do
    ready=$(ls /run/sshd-$NS_PREFIX*.pid 2>/dev/null | wc -l)
    [ "$ready" -ge "$n" ] && break
    tries=$((tries + 1))
    [ "$tries" -gt 200 ] && { echo "only $ready of $n sshd started" >&2; exit 1; }
    sleep 0.05
  done
}

reset_hosts() {
  for pidfile in /run/sshd-$NS_PREFIX*.pid; do
    [ -e "$pidfile" ] || continue
    nsenter -t "$(cat "$pidfile")" -m sh -c 'rm -rf /srv/* /srv/.[!.]* 2>/dev/null; true'
  done
}

# Setting up a converged state is not what is measured: copying it costs no SSH exec per host.
seed_hosts() {
  first=/run/sshd-${NS_PREFIX}1.pid
  [ -e "$first" ] || { echo "no host 1 to copy from" >&2; exit 1; }
  archive=$(mktemp)
  nsenter -t "$(cat "$first")" -m tar -C /srv -cpf - . > "$archive"
  for pidfile in /run/sshd-$NS_PREFIX*.pid; do
    [ "$pidfile" = "$first" ] && continue
    nsenter -t "$(cat "$pidfile")" -m sh -c 'rm -rf /srv/* /srv/.[!.]* 2>/dev/null; tar -C /srv -xpf -' < "$archive"
  done
  rm -f "$archive"
}

stop_hosts() {
  for pidfile in /run/sshd-$NS_PREFIX*.pid; do
    [ -e "$pidfile" ] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
  for ns in $(ip netns list | awk '{print $1}' | grep "^$NS_PREFIX[0-9]*$" || true); do
    # Kill anything still running in the namespace (sessions of killed sshds), then delete it; its veth goes with it.
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
    ip link del "dbv${ns#$NS_PREFIX}" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
  # Deleting a namespace frees its veth asynchronously; delete the host ends now so a new run can reuse the names.
  for link in $(ip -o link show type veth | awk -F'[ :@]+' '{print $2}' | grep '^dbv[0-9]*$' || true); do
    ip link del "$link" 2>/dev/null || true
  done
  ip link del "$BRIDGE" 2>/dev/null || true
}

case "$cmd" in
  up)
    n=${2:?N} dir=${3:?DIR}
    stop_hosts
    trap 'stop_hosts' INT TERM
    start_hosts "$n" "$dir" || { stop_hosts; exit 1; }
    ;;
  reset) reset_hosts ;;
  seed) seed_hosts ;;
  down) stop_hosts ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
