package dev.tuneforge.platform.auth;

/** A key just issued, with its secret: the only time the secret exists outside the client. */
public record IssuedKey(ApiKey key, String secret) {}
