/**
 * How a carrier's billed services move goods, for emission estimates (issue 14). Each carrier
 * folder may declare its services in `modes.ts` (data only); carriers/modes.ts collects them and
 * the database seeds `service_modes` from them. A service that is not listed is reported by the
 * `shipment_emissions` view as unknown, never guessed.
 */

/** Transport mode of a service: `none` for a billed line that moves nothing (duties, taxes). */
export type ServiceMode = 'road' | 'air' | 'none';

/** Road vehicle class whose factor applies; without one, the view uses van within a country and HGV across borders. */
export type RoadVehicle = 'van' | 'hgv';

export interface ServiceModeEntry {
  /** The service as the carrier bills it; matched case-insensitively, ignoring surrounding spaces. */
  readonly service: string;
  readonly mode: ServiceMode;
  /** Only for road: the vehicle class when the service says it (pallet groupage → hgv). */
  readonly vehicle?: RoadVehicle;
  /** True when the service delivers only within its origin country (a missing destination is then the origin). */
  readonly domestic?: boolean;
  /** Why this mode: what the carrier says about the service. */
  readonly why: string;
}

export interface CarrierServiceModes {
  /** The carrier id (as in its adapter). */
  readonly carrier: string;
  /**
   * The country every shipment of this carrier leaves from, when the carrier only collects there
   * (Royal Mail: the UK); used when an invoice line states no sender country.
   */
  readonly originCountry?: string;
  readonly services: readonly ServiceModeEntry[];
}

/** Freezes a carrier's service table (the `as const satisfies` habit, with a check on the shape). */
export function defineServiceModes(modes: CarrierServiceModes): CarrierServiceModes {
  return Object.freeze({ ...modes, services: Object.freeze(modes.services.map((s) => Object.freeze({ ...s }))) });
}

/** The key a service is matched on (the views compare `LOWER(TRIM(service))` with it). */
export function serviceKey(service: string): string {
  return service.trim().toLowerCase();
}
