// Every Asrayon workflow module, instantiated per workflow as in the real worker, plus the
// ceiling's sleeper to start: what a cached workflow costs with Asrayon's code in the bundle.
export * from '../../workflows/index';
export { sleeper } from './workflows';
