/**
 * The ISS element set bundled for offline use (also in resources/producers/iss.tle for people who
 * want to read or replace it). SGP4 drifts by kilometres a day from a TLE's epoch: paste a fresh TLE
 * (CelesTrak "stations") in the producer's settings when the network allows.
 */
export const BUNDLED_ISS_TLE = `ISS (ZARYA)
1 25544U 98067A   26320.50000000  .00016717  00000-0  30375-3 0  9991
2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.50125391 56350`;
