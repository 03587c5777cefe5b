/**
 * Gas reference data: what the pack needs to turn GB/T 50493-2019 5.5.2 setpoints (%LEL, %OEL,
 * %IDLH) into a point's own unit. A point may override any value with attributes (`lel`, `oel`,
 * `idlh`, `molarMass`), e.g. for a gas not listed here or from its own safety data sheet.
 *
 * Sources:
 * - LEL (%VOL in air): IEC 60079-20-1 (adopted as GB/T 3836.11), as commonly tabulated. They are
 *   lower than the older NFPA 325 figures some tables still show (CH4 5.0, C3H8 2.1, C2H4 2.7,
 *   CO 12.5): a %VOL or ppm point's %LEL levels then come out lower, on the safe side.
 * - OEL: GBZ 2.1-2019 (工作场所有害因素职业接触限值 化学有害因素), mg/m³. The pack's OEL is the MAC
 *   where GBZ 2.1 sets one, else the PC-TWA. That is what GB/T 50493-2019 appendix B lists as the
 *   basis of 100 %OEL, as reproduced by vendors (CO 20/40, NH3 20/40, SO2 5/10, NO2 5/10, benzene
 *   6/12, methanol 25/50 mg/m³ at level 1/2), and it is the lower, safe-side figure: a MAC-else-
 *   PC-STEL reading (the workplace alarm scheme of GBZ/T 223-2009) would put CO level 1 at 30 mg/m³
 *   instead of 20. The PC-STEL is kept as reference data (`stelMgm3`), never used for a level.
 * - IDLH: GB/T 50493-2019 appendix B, mg/m³ (they are the older NIOSH IDLH values in ppm, converted:
 *   H2S 430 mg/m³ ≈ 300 ppm). Taken from a vendor's reproduction of the table: check it against
 *   your copy of the standard.
 * - ppm ↔ mg/m³ at 20 °C and 101.325 kPa (molar volume 24.04 L/mol, the reference state of Chinese
 *   workplace air sampling, GBZ 159): ppm = mg/m³ × 24.04 / M. At 25 °C (24.45) the ppm figures would
 *   be 1.7 % higher; 20 °C gives the lower, safer level.
 *
 * Derived (ppm at 20 °C), for the reader: OEL / IDLH
 *   H2S 7.05 / 303 · CO 17.2 / 1459 · Cl2 0.339 / 29.8 · SO2 1.88 / 101 · NO2 2.61 / 50.2 ·
 *   HCN 0.889 / 49.8 · NH3 28.2 / 508 · C6H6 1.85 / 3016 · CO2 4916 / 50254 · HCl 4.95 / 98.9 ·
 *   COCl2 0.122 / 1.94 · CH3OH 18.8 / 24760
 */

/** Litres per mole of an ideal gas at 20 °C, 101.325 kPa. */
export const MOLAR_VOLUME_L = 24.04;

/** Which GBZ 2.1-2019 limit the pack's OEL is. */
export type OelKind = 'MAC' | 'PC-TWA';

export interface GasReference {
  /** Formula, as points name it in `attrs.gas`. */
  readonly gas: string;
  readonly name: string;
  /** g/mol. */
  readonly molarMass: number;
  /** Lower explosive limit, %VOL in air; absent for a gas that does not burn in air. */
  readonly lel?: number;
  /**
   * Occupational exposure limit, mg/m³ (MAC, else PC-TWA); absent when GBZ 2.1 sets none. `stelMgm3`:
   * the PC-STEL, for the reader only (no level is computed from it).
   */
  readonly oel?: { readonly mgm3: number; readonly kind: OelKind; readonly stelMgm3?: number };
  /** Immediately dangerous to life or health, mg/m³. */
  readonly idlh?: number;
}

const TABLE: readonly GasReference[] = [
  // Combustibles without a GBZ 2.1 limit (simple asphyxiants or not listed).
  { gas: 'CH4', name: 'methane', molarMass: 16.04, lel: 4.4 },
  { gas: 'C3H8', name: 'propane', molarMass: 44.1, lel: 1.7 },
  { gas: 'H2', name: 'hydrogen', molarMass: 2.016, lel: 4.0 },
  { gas: 'C2H4', name: 'ethylene', molarMass: 28.05, lel: 2.3 },
  // Both combustible and toxic: the point's class says which levels it gets.
  { gas: 'C6H6', name: 'benzene', molarMass: 78.11, lel: 1.2, oel: { mgm3: 6, kind: 'PC-TWA', stelMgm3: 10 }, idlh: 9800 },
  { gas: 'NH3', name: 'ammonia', molarMass: 17.03, lel: 15.0, oel: { mgm3: 20, kind: 'PC-TWA', stelMgm3: 30 }, idlh: 360 },
  { gas: 'H2S', name: 'hydrogen sulfide', molarMass: 34.08, lel: 4.0, oel: { mgm3: 10, kind: 'MAC' }, idlh: 430 },
  // CO: GBZ 2.1-2019 non-high-altitude values.
  { gas: 'CO', name: 'carbon monoxide', molarMass: 28.01, lel: 10.9, oel: { mgm3: 20, kind: 'PC-TWA', stelMgm3: 30 }, idlh: 1700 },
  { gas: 'HCN', name: 'hydrogen cyanide', molarMass: 27.03, lel: 5.4, oel: { mgm3: 1, kind: 'MAC' }, idlh: 56 },
  { gas: 'CH3OH', name: 'methanol', molarMass: 32.04, lel: 6.0, oel: { mgm3: 25, kind: 'PC-TWA', stelMgm3: 50 }, idlh: 33000 },
  // Toxic only.
  { gas: 'Cl2', name: 'chlorine', molarMass: 70.9, oel: { mgm3: 1, kind: 'MAC' }, idlh: 88 },
  { gas: 'SO2', name: 'sulfur dioxide', molarMass: 64.07, oel: { mgm3: 5, kind: 'PC-TWA', stelMgm3: 10 }, idlh: 270 },
  { gas: 'NO2', name: 'nitrogen dioxide', molarMass: 46.01, oel: { mgm3: 5, kind: 'PC-TWA', stelMgm3: 10 }, idlh: 96 },
  { gas: 'HCl', name: 'hydrogen chloride', molarMass: 36.46, oel: { mgm3: 7.5, kind: 'MAC' }, idlh: 150 },
  { gas: 'COCl2', name: 'phosgene', molarMass: 98.92, oel: { mgm3: 0.5, kind: 'MAC' }, idlh: 8 },
  { gas: 'CO2', name: 'carbon dioxide', molarMass: 44.01, oel: { mgm3: 9000, kind: 'PC-TWA', stelMgm3: 18000 }, idlh: 92000 },
  // Oxygen: watched two-sided in %VOL (19.5 / 23.5), no OEL.
  { gas: 'O2', name: 'oxygen', molarMass: 32.0 },
];

const BY_GAS: ReadonlyMap<string, GasReference> = new Map(TABLE.map((g) => [g.gas.toUpperCase(), g]));

/** The reference data of a gas by formula (case-insensitive: `h2s`, `H2S`), undefined when not listed. */
export function gasReference(gas: string | undefined): GasReference | undefined {
  return gas === undefined ? undefined : BY_GAS.get(gas.trim().toUpperCase());
}

/** Every listed gas, for documentation and tests. */
export function listedGases(): readonly GasReference[] {
  return TABLE;
}
