package io.kilowatch.billing;

/** Usage that cannot be priced under a plan, with one message that says why (the bill command prints it and exits 2). */
public class BillException extends IllegalArgumentException {
    public BillException(String message) {
        super(message);
    }
}
