package io.walletplatform.common.errors;

/** One offending input: the field (JSON property, path or query parameter, header) and what is wrong with it. */
public record FieldError(String field, String message) {
}
