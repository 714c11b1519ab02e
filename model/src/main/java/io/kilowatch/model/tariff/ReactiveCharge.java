package io.kilowatch.model.tariff;

import java.io.Serializable;
import java.math.BigDecimal;

/**
 * Reactive energy priced per kvarh, as German and many US tariffs do instead of a power-factor
 * percentage: kvarh above {@code freeKvarhPerKwh} × the month's kWh cost {@code pricePerKvarh}
 * each (a free share of 0.484 is cos φ 0.90).
 */
public record ReactiveCharge(BigDecimal pricePerKvarh, BigDecimal freeKvarhPerKwh) implements Serializable {}
