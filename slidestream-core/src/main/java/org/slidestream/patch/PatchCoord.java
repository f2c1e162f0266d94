package org.slidestream.patch;

/** One patch: its level-0 top-left corner and the fraction of it that is tissue. */
public record PatchCoord(long x, long y, double tissueFraction) {}
