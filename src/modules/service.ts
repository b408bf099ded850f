import { createServiceModule } from './lib/service-module.js';

export const module = createServiceModule('service');
