package io.kilowatch.model.tariff;

import java.io.Serializable;
import java.math.BigDecimal;

/**
 * A fixed charge per month or per day. A daily charge is multiplied by the real days of the
 * month it is in force (28 in a February), never by 365/12 or 365/30.
 *
 * @param perMonth 元 per month, or null
 * @param perDay 元 per day, or null (exactly one of the two is set)
 */
public record FixedCharge(String name, BigDecimal perMonth, BigDecimal perDay) implements Serializable {}
