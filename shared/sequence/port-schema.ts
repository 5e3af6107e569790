import { z } from 'zod';

/** A TCP/UDP port, 1..65535: a knock's, a service's, an SPA server's. */
export const portSchema = z
  .number()
  .int('port must be a whole number')
  .min(1, 'port must be 1-65535')
  .max(65535, 'port must be 1-65535');
