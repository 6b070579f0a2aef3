/** Longest `vendorData` Veriff accepts on POST /v1/sessions (characters). */
export const MAX_VENDOR_DATA_LENGTH = 1000;
