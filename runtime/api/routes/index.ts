// Every route module, registered once. Add a resource by adding its module here.
import type { Services } from '../../daemon/services.js';
import type { Router } from '../router.js';
import { registerBuildRoutes } from './build.js';
import { registerContainerRoutes } from './containers.js';
import { registerImageRoutes } from './images.js';
import { registerSystemRoutes } from './system.js';

export function registerRoutes(router: Router, services: Services): void {
  registerSystemRoutes(router, services);
  registerImageRoutes(router, services);
  registerContainerRoutes(router, services);
  registerBuildRoutes(router, services);
}
