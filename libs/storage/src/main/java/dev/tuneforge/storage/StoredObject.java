package dev.tuneforge.storage;

/** An object as written: its key, its size in bytes and the sha256 of its content (hex). */
public record StoredObject(String key, long size, String sha256) {}
