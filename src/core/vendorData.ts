/** The longest vendorData Veriff takes on a new session: the client refuses longer before sending, the sandbox answers 400 (code 1500) like Veriff. */
export const MAX_VENDOR_DATA_LENGTH = 1000;
