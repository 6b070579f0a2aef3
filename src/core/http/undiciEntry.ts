// Entry of dist/undici.js: the whole HTTP stack, kept out of the activation bundle.
export * from 'undici';
