package dev.tuneforge.dataset.curation.dedup;

/**
 * A set of 64-bit hashes in one open-addressing {@code long[]} with linear probing: 8 bytes per
 * slot and no object per entry, where a {@code HashSet<Long>} costs about 50 bytes per entry and a
 * {@code HashSet<String>} far more. The keys are already uniformly distributed hashes, so the slot
 * is taken from their bits directly. Zero marks an empty slot; the key 0 is stored as a separate
 * flag. Load factor at most 0.7, so memory is 8 / 0.7 to 8 / 0.35 bytes per entry. Not thread-safe.
 */
public final class LongHashSet {

  private static final double MAX_LOAD = 0.7;

  private long[] slots;
  private int mask;
  private int size;
  private int resizeAt;
  private boolean hasZero;

  public LongHashSet(int expected) {
    int capacity = 16;
    while (capacity < (1 << 30) && capacity * MAX_LOAD < expected) {
      capacity <<= 1;
    }
    allocate(capacity);
  }

  public LongHashSet() {
    this(1024);
  }

  /** Adds the key; returns false when it was already present. */
  public boolean add(long key) {
    if (key == 0) {
      if (hasZero) {
        return false;
      }
      hasZero = true;
      size++;
      return true;
    }
    int i = slot(key);
    while (true) {
      long existing = slots[i];
      if (existing == 0) {
        slots[i] = key;
        if (++size >= resizeAt) {
          grow();
        }
        return true;
      }
      if (existing == key) {
        return false;
      }
      i = (i + 1) & mask;
    }
  }

  public boolean contains(long key) {
    if (key == 0) {
      return hasZero;
    }
    int i = slot(key);
    while (true) {
      long existing = slots[i];
      if (existing == 0) {
        return false;
      }
      if (existing == key) {
        return true;
      }
      i = (i + 1) & mask;
    }
  }

  public int size() {
    return size;
  }

  /** Bytes held by the table (the slot array), for the report's bytes-per-record figure. */
  public long memoryBytes() {
    return 8L * slots.length;
  }

  private int slot(long key) {
    // Fold the high bits in: callers' keys are hashes, but not every caller's low bits are good.
    return (int) (key ^ (key >>> 32)) & mask;
  }

  private void allocate(int capacity) {
    slots = new long[capacity];
    mask = capacity - 1;
    resizeAt = (int) (capacity * MAX_LOAD);
  }

  private void grow() {
    if (slots.length >= (1 << 30)) {
      throw new IllegalStateException("dedup set full: more than " + size + " distinct records");
    }
    long[] old = slots;
    allocate(old.length * 2);
    for (long key : old) {
      if (key != 0) {
        int i = slot(key);
        while (slots[i] != 0) {
          i = (i + 1) & mask;
        }
        slots[i] = key;
      }
    }
  }
}
