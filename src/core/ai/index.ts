export * from './types';
export * from './reply';
export * from './redact';
export * from './decisions';
export * from './openai-compatible';
export * from './autopilot';
export * from './prompt-text';
