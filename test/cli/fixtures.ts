/** Inventory and playbooks shared by the command-line tests; every host uses the local connection. */
export const GROUPED_INVENTORY = `all:
  vars:
    ansible_connection: local
    region: eu
  hosts:
    solo:
  children:
    web:
      hosts:
        web1: { http_port: 80 }
        web2:
      vars:
        tier: front
    db:
      hosts:
        db1:
    prod:
      children:
        web:
      hosts:
        db1:
`;

/** One debug task per host that prints its name: the recap shows which hosts ran. */
export const ECHO_PLAYBOOK = `- name: echo
  hosts: all
  gather_facts: false
  tasks:
    - name: say who
      debug: msg="{{ inventory_hostname }}"
`;

/** Tagged tasks, including Ansible's special tags always and never. */
export const TAGGED_PLAYBOOK = `- name: tagged
  hosts: solo
  gather_facts: false
  tasks:
    - name: install
      debug: msg=install
      tags: [install]
    - name: configure
      debug: msg=configure
      tags: [config]
    - name: untagged
      debug: msg=untagged
    - name: always runs
      debug: msg=always
      tags: always
    - name: only on request
      debug: msg=never
      tags: [never, debugging]
`;
