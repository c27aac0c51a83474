// Size classes: Go's table (src/runtime/sizeclasses.go, generated there by
// mksizeclasses.go) from its 16-byte class up, 24 bytes included: every
// object carries an 8-byte header, so Go's 8-byte class cannot exist here;
// slots are 8-byte aligned, as Go's 24-byte class is. 66 classes, each with
// Go's bytes-per-object and pages-per-span, so tail waste per span is Go's.
//
//  class  bytes/obj  pages   class  bytes/obj  pages   class  bytes/obj  pages
//      1         16      1        23        448      1        45       5376      2
//      2         24      1        24        480      1        46       6144      3
//      3         32      1        25        512      1        47       6528      4
//      4         48      1        26        576      1        48       6784      5
//      5         64      1        27        640      1        49       6912      6
//      6         80      1        28        704      1        50       8192      1
//      7         96      1        29        768      1        51       9472      7
//      8        112      1        30        896      1        52       9728      6
//      9        128      1        31       1024      1        53      10240      5
//     10        144      1        32       1152      1        54      10880      4
//     11        160      1        33       1280      1        55      12288      3
//     12        176      1        34       1408      2        56      13568      5
//     13        192      1        35       1536      1        57      14336      7
//     14        208      1        36       1792      2        58      16384      2
//     15        224      1        37       2048      1        59      18432      9
//     16        240      1        38       2304      2        60      19072      7
//     17        256      1        39       2688      1        61      20480      5
//     18        288      1        40       3072      3        62      21760      8
//     19        320      1        41       3200      2        63      24576      3
//     20        352      1        42       3456      3        64      27264     10
//     21        384      1        43       4096      1        65      28672      7
//     22        416      1        44       4864      3        66      32768      4
//
// Objects above 32 KiB are "large": class 0, a span of their own.
// Lookup mirrors Go's size_to_class8 / size_to_class128 tables, generated at
// init from the size column so the two can never disagree.

import { MAX_SMALL_OBJECT, NUM_CLASSES } from "../contract/abi";

// @ts-ignore: decorator
@inline export const LARGE_CLASS: u32 = 0;
// @ts-ignore: decorator
@inline const SMALL_SIZE_MAX: u32 = 1024;

const CLASS_SIZE = memory.data<u16>([
  0, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256,
  288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152,
  1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376,
  6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336,
  16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768
]);

const CLASS_PAGES = memory.data<u8>([
  0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 2, 1, 2, 1, 2, 1, 3, 2, 3, 1, 3, 2, 3, 4, 5, 6, 1, 7, 6,
  5, 4, 3, 5, 7, 2, 9, 7, 5, 8, 3, 10, 7, 4
]);

// size_to_class8[(size + 7) >> 3] for size <= 1024, size_to_class128[(size - 1024 + 127) >> 7] above.
const SIZE_TO_CLASS8 = memory.data(SMALL_SIZE_MAX / 8 + 1);
const SIZE_TO_CLASS128 = memory.data((<i32>MAX_SMALL_OBJECT - <i32>SMALL_SIZE_MAX) / 128 + 1);

/** Object bytes of class `c` (0 for the large class). */
// @ts-ignore: decorator
@inline export function classSize(c: u32): u32 {
  return <u32>load<u16>(CLASS_SIZE + (<usize>c << 1));
}

/** Pages per span of class `c`. */
// @ts-ignore: decorator
@inline export function classPages(c: u32): u32 {
  return <u32>load<u8>(CLASS_PAGES + <usize>c);
}

/** Fills the lookup tables: the smallest class whose size holds each bucket. */
export function initSizeClasses(): void {
  let c: u32 = 1;
  for (let i: u32 = 0; i <= SMALL_SIZE_MAX / 8; i++) {
    while (classSize(c) < max<u32>(i << 3, 16)) c++;
    store<u8>(SIZE_TO_CLASS8 + i, <u8>c);
  }
  for (let i: u32 = 0; i <= (<u32>MAX_SMALL_OBJECT - SMALL_SIZE_MAX) / 128; i++) {
    while (classSize(c) < SMALL_SIZE_MAX + (i << 7)) c++;
    store<u8>(SIZE_TO_CLASS128 + i, <u8>c);
  }
  if (!ASC_NO_ASSERT) {
    assert(classSize(<u32>NUM_CLASSES - 1) == <u32>MAX_SMALL_OBJECT);
    for (let k: u32 = 1; k < <u32>NUM_CLASSES; k++) {
      // Bitmaps reserve 512 bits per page: every class must fit in them.
      assert(classPages(k) * 8192 / classSize(k) <= classPages(k) * 512);
    }
  }
}

/** The size class for an object of `bytes` (header included); LARGE_CLASS above 32 KiB. */
// @ts-ignore: decorator
@inline export function sizeToClass(bytes: u32): u32 {
  if (bytes <= SMALL_SIZE_MAX) return <u32>load<u8>(SIZE_TO_CLASS8 + ((bytes + 7) >> 3));
  if (bytes <= <u32>MAX_SMALL_OBJECT) return <u32>load<u8>(SIZE_TO_CLASS128 + ((bytes - SMALL_SIZE_MAX + 127) >> 7));
  return LARGE_CLASS;
}
