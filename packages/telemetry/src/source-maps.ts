import { getSourceMapsSupport, setSourceMapsSupport } from 'node:module';

// --enable-source-maps (devstack, deploy/k8s) maps the stack frames of every module, node_modules'
// included: parsing and keeping the maps that libraries ship (~340 files, 5.5 MB of JSON in a service
// with TypeORM) cost ~13 MB RSS per process. Our own code keeps its TypeScript positions; a frame in
// a library shows its published JavaScript. Imported first by register.ts, before any library loads.
const maps = getSourceMapsSupport();
if (maps.enabled && maps.nodeModules) {
  setSourceMapsSupport(true, { nodeModules: false, generatedCode: maps.generatedCode });
}
