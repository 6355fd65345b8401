export * from './common.js';
export * from './visit.contract.js';
export * from './department.contract.js';
export * from './admin.contract.js';
export * from './audit.contract.js';
export * from './stream.contract.js';
export * from './report.contract.js';
export * from './session.contract.js';
