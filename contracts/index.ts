export * from './error-codes';
export * from './limits';
export * from './router';
export * from './schemas/event';
export * from './schemas/list';
export * from './schemas/primitives';
export * from './validation-problems';
