export * from './asciicast';
export * from './core';
export * from './model';
