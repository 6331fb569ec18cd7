// Whether this build runs under AddressSanitizer. Its shadow memory and
// quarantine make resident-set measurements meaningless, so tests that bound
// memory growth check it only in the plain build (which the test command
// always runs too); under ASan they still check everything else.
#pragma once

namespace mailhoard::testing {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif
#else
inline constexpr bool kAddressSanitizer = false;
#endif

}  // namespace mailhoard::testing
