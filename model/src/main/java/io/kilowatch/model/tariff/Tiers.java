package io.kilowatch.model.tariff;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.List;

/**
 * Block (阶梯) pricing on cumulative energy over a month or a calendar year: each block adds a
 * fixed increment to every period's price for the kWh that fall in it. A kWh's block depends on
 * the cumulative energy before it (year to date for annual tiers), so a month that crosses a
 * limit has kWh in both blocks. Time-of-use first, then tier surcharges: the same money as a
 * pro-rata split, since the increment is the same in every period.
 *
 * @param blocks in increasing order; the last has no upper limit
 */
public record Tiers(Basis basis, List<Block> blocks) implements Serializable {
    public enum Basis {
        MONTHLY,
        ANNUAL
    }

    /** kWh up to {@code upToKwh} of the cumulative total (null: no limit) cost {@code increment} more each. */
    public record Block(BigDecimal upToKwh, BigDecimal increment) implements Serializable {}

    public Tiers {
        blocks = List.copyOf(blocks);
    }

    /** Lower limit of block {@code i} (0 for the first). */
    public BigDecimal lowerOf(int i) {
        return i == 0 ? BigDecimal.ZERO : blocks.get(i - 1).upToKwh();
    }

    /**
     * kWh of block {@code i} among the energy between cumulative totals {@code from} and {@code to}.
     */
    public BigDecimal inBlock(int i, BigDecimal from, BigDecimal to) {
        BigDecimal lo = lowerOf(i).max(from);
        BigDecimal up = blocks.get(i).upToKwh();
        BigDecimal hi = up == null ? to : up.min(to);
        return hi.compareTo(lo) > 0 ? hi.subtract(lo) : BigDecimal.ZERO;
    }
}
