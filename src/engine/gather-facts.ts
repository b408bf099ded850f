/**
 * Facts in one remote command of plain POSIX sh: hostname, fqdn, OS, architecture, default IPv4,
 * CPU count and memory. Printed as key=value lines and turned into Ansible's fact names.
 */
export const FACTS_SCRIPT = [
  'echo "hostname=$(hostname 2>/dev/null || cat /etc/hostname)"',
  'echo "fqdn=$(hostname -f 2>/dev/null || hostname)"',
  'if [ -r /etc/os-release ]; then . /etc/os-release; echo "os_id=$ID"; echo "os_like=$ID_LIKE"; echo "os_version=$VERSION_ID"; echo "os_codename=$VERSION_CODENAME"; echo "os_name=$NAME"; fi',
  'echo "arch=$(uname -m)"',
  'echo "kernel=$(uname -r)"',
  'echo "system=$(uname -s)"',
  'echo "cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || grep -c ^processor /proc/cpuinfo)"',
  `echo "mem_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null)"`,
  `dev=$(ip -4 route show default 2>/dev/null | awk '{for(i=1;i<NF;i++) if($i=="dev") {print $(i+1); exit}}')`,
  `gw=$(ip -4 route show default 2>/dev/null | awk '{for(i=1;i<NF;i++) if($i=="via") {print $(i+1); exit}}')`,
  `if [ -z "$dev" ]; then dev=$(ip -4 -o addr show scope global 2>/dev/null | awk '{print $2; exit}'); fi`,
  `addr=$(ip -4 -o addr show dev "$dev" scope global 2>/dev/null | awk '{split($4,a,"/"); print a[1]; exit}')`,
  `if [ -z "$addr" ]; then addr=$(hostname -I 2>/dev/null | awk '{print $1}'); fi`,
  'echo "ipv4_interface=$dev"',
  'echo "ipv4_address=$addr"',
  'echo "ipv4_gateway=$gw"',
  'echo "user=$(id -un)"',
].join('\n');

const FAMILIES: Record<string, string> = {
  debian: 'Debian',
  ubuntu: 'Debian',
  raspbian: 'Debian',
  linuxmint: 'Debian',
  rhel: 'RedHat',
  centos: 'RedHat',
  fedora: 'RedHat',
  rocky: 'RedHat',
  almalinux: 'RedHat',
  alpine: 'Alpine',
  arch: 'Archlinux',
  sles: 'Suse',
  suse: 'Suse',
  opensuse: 'Suse',
  'opensuse-leap': 'Suse',
  'opensuse-tumbleweed': 'Suse',
};

/** Ansible's spelling of ansible_distribution where it is not the os-release ID capitalized. */
const DISTRIBUTIONS: Record<string, string> = {
  rhel: 'RedHat',
  centos: 'CentOS',
  almalinux: 'AlmaLinux',
  arch: 'Archlinux',
  sles: 'SLES',
  opensuse: 'openSUSE',
  'opensuse-leap': 'openSUSE Leap',
  'opensuse-tumbleweed': 'openSUSE Tumbleweed',
  linuxmint: 'Linux Mint',
};

export function parseFacts(stdout: string): Record<string, unknown> {
  const raw: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) raw[line.slice(0, at)] = line.slice(at + 1).trim();
  }
  const distribution = raw.os_id ? (DISTRIBUTIONS[raw.os_id] ?? capitalize(raw.os_id)) : raw.system;
  const likes = (raw.os_like ?? '').split(/\s+/).filter(Boolean);
  const family = [raw.os_id ?? '', ...likes].map((id) => FAMILIES[id]).find(Boolean) ?? distribution;
  const memMb = raw.mem_kb ? Math.round(Number(raw.mem_kb) / 1024) : undefined;
  return {
    ansible_hostname: raw.hostname?.split('.')[0],
    ansible_nodename: raw.hostname,
    ansible_fqdn: raw.fqdn,
    ansible_os_family: family,
    ansible_distribution: distribution,
    ansible_distribution_version: raw.os_version,
    ansible_distribution_major_version: raw.os_version?.split('.')[0],
    ansible_distribution_release: raw.os_codename,
    ansible_system: raw.system,
    ansible_kernel: raw.kernel,
    ansible_architecture: raw.arch,
    ansible_processor_vcpus: raw.cpus ? Number(raw.cpus) : undefined,
    ansible_memtotal_mb: memMb,
    ansible_default_ipv4: {
      address: raw.ipv4_address || undefined,
      interface: raw.ipv4_interface || undefined,
      gateway: raw.ipv4_gateway || undefined,
    },
    ansible_user_id: raw.user,
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
