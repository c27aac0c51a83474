// Size classes: Go's table (src/runtime/sizeclasses.go, generated there by
// mksizeclasses.go), starting at 16 bytes because every object carries an
// 8-byte header, so nothing smaller than 16 can exist here. Each class keeps
// Go's bytes-per-object and pages-per-span, so tail waste per span is Go's.
//
//  class  bytes/obj  pages   class  bytes/obj  pages   class  bytes/obj  pages
//      1         16      1      23        480      1      45       6144      3
//      2         32      1      24        512      1      46       6528      4
//      3         48      1      25        576      1      47       6784      5
//      4         64      1      26        640      1      48       6912      6
//      5         80      1      27        704      1      49       8192      1
//      6         96      1      28        768      1      50       9472      7
//      7        112      1      29        896      1      51       9728      6
//      8        128      1      30       1024      1      52      10240      5
//      9        144      1      31       1152      1      53      10880      4
//     10        160      1      32       1280      1      54      12288      3
//     11        176      1      33       1408      2      55      13568      5
//     12        192      1      34       1536      1      56      14336      7
//     13        208      1      35       1792      2      57      16384      2
//     14        224      1      36       2048      1      58      18432      9
//     15        240      1      37       2304      2      59      19072      7
//     16        256      1      38       2688      1      60      20480      5
//     17        288      1      39       3072      3      61      21760      8
//     18        320      1      40       3200      2      62      24576      3
//     19        352      1      41       3456      3      63      27264     10
//     20        384      1      42       4096      1      64      28672      7
//     21        416      1      43       4864      3      65      32768      4
//     22        448      1      44       5376      2
//
// Objects above 32 KiB are "large": class 0, a span of their own.
// Lookup mirrors Go's size_to_class8 / size_to_class128 tables, generated at
// init from the size column so the two can never disagree.

import { MAX_SMALL_OBJECT, NUM_CLASSES } from "../src/abi";

// @ts-ignore: decorator
@inline export const LARGE_CLASS: u32 = 0;
// @ts-ignore: decorator
@inline const SMALL_SIZE_MAX: u32 = 1024;

const CLASS_SIZE = memory.data<u16>([
  0, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256,
  288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152,
  1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376,
  6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336,
  16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768
]);

const CLASS_PAGES = memory.data<u8>([
  0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
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
