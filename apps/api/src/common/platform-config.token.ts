/** Injection token of the validated PlatformConfig (see @ddnn/contracts loadPlatformConfig). */
export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');
