import { createServiceModule } from './service/service-module.js';

export const module = createServiceModule('service');
