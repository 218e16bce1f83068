package dev.tuneforge.dataset.curation.dedup;

/**
 * Remembers the LSH band keys of every kept record in one {@link LongHashSet} (8 bytes per band per
 * record before load factor) and answers "does this signature share a band with a kept record?".
 * There is no pairwise Jaccard check afterwards: that would need every kept signature in memory (P
 * * 8 bytes per record), so the band S-curve alone decides, tuned to the threshold by {@link
 * LshBands#optimal}. A near-duplicate is not added, so chains of edits do not drift. Not
 * thread-safe.
 */
public final class NearDuplicateIndex {

  private final LshBands bands;
  private final LongHashSet keys;
  private final long[] bandKeys;
  private final long salt;

  public NearDuplicateIndex(LshBands bands, long seed) {
    this.bands = bands;
    this.keys = new LongHashSet(1 << 16);
    this.bandKeys = new long[bands.bands()];
    this.salt = Hashing.mix64(seed ^ 0x5851F42D4C957F2DL);
  }

  /** Adds the record's bands unless one is already known; returns false for a near-duplicate. */
  public boolean addIfNew(long[] signature) {
    int r = bands.rows();
    for (int band = 0; band < bandKeys.length; band++) {
      // The band index is mixed in so equal values in different bands never collide.
      long h = Hashing.mix64(salt + band);
      for (int row = band * r, end = row + r; row < end; row++) {
        h = Hashing.mix64(h ^ signature[row]);
      }
      if (keys.contains(h)) {
        return false;
      }
      bandKeys[band] = h;
    }
    for (long key : bandKeys) {
      keys.add(key);
    }
    return true;
  }

  public LshBands bands() {
    return bands;
  }

  public long memoryBytes() {
    return keys.memoryBytes();
  }
}
