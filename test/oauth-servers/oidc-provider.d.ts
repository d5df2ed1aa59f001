// oidc-provider ships no types; the tests use a small part of it, typed where they use it.
declare module 'oidc-provider';
