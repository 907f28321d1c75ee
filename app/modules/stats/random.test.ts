import { describe, expect, it } from "vitest";
import reference from "./fixtures/bootstrap.json";
import { MersenneTwister } from "./random";

describe("MT19937", () => {
  // Source: ISO/IEC 14882 (C++11) [rand.predef]: "the 10000th consecutive invocation of a
  // default-constructed object of type mt19937 shall produce the value 4123659995" (seed 5489).
  it("gives the C++ standard's 10,000th value for the default seed 5489", () => {
    const mt = new MersenneTwister(5489);
    let v = 0;
    for (let i = 0; i < 10000; i++) v = mt.nextUint32();
    expect(v).toBe(4123659995);
  });

  // Reference: numpy 1.24.2 np.random.RandomState(42).random_sample(8) (fixtures/bootstrap.json).
  it("gives numpy RandomState(42).random_sample() bit for bit", () => {
    const mt = new MersenneTwister(42);
    expect(reference.randomSampleSeed42.map(() => mt.nextDouble())).toEqual(reference.randomSampleSeed42);
  });

  it("refuses a seed outside 0…2³² − 1", () => {
    expect(() => new MersenneTwister(-1)).toThrow("A seed must be a whole number from 0 to 4294967295; got -1.");
    expect(() => new MersenneTwister(1.5)).toThrow("got 1.5");
  });
});
