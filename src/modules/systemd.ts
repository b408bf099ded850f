import { createServiceModule } from './service.js';

/** Ansible's systemd module: the same as service on a systemd host. */
export const module = createServiceModule('systemd');
