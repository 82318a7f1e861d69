// Pickle opcode values (protocols 0 to 5) and their names for error messages.
#ifndef FERRY_MODEL_LOADERS_PICKLE_OPCODES_H_
#define FERRY_MODEL_LOADERS_PICKLE_OPCODES_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace ferry::pickle::op {

inline constexpr uint8_t kMark = '(', kStop = '.', kPop = '0', kPopMark = '1', kDup = '2';
inline constexpr uint8_t kFloat = 'F', kInt = 'I', kBinInt = 'J', kBinInt1 = 'K', kLong = 'L';
inline constexpr uint8_t kBinInt2 = 'M', kNone = 'N', kPersId = 'P', kBinPersId = 'Q';
inline constexpr uint8_t kReduce = 'R', kString = 'S', kBinString = 'T';
inline constexpr uint8_t kShortBinString = 'U', kUnicode = 'V', kBinUnicode = 'X';
inline constexpr uint8_t kAppend = 'a', kBuild = 'b', kGlobal = 'c', kDict = 'd';
inline constexpr uint8_t kEmptyDict = '}', kAppends = 'e', kGet = 'g', kBinGet = 'h';
inline constexpr uint8_t kInst = 'i', kLongBinGet = 'j', kList = 'l', kEmptyList = ']';
inline constexpr uint8_t kObj = 'o', kPut = 'p', kBinPut = 'q', kLongBinPut = 'r';
inline constexpr uint8_t kSetItem = 's', kTuple = 't', kEmptyTuple = ')', kSetItems = 'u';
inline constexpr uint8_t kBinFloat = 'G';
// Protocol 2.
inline constexpr uint8_t kProto = 0x80, kNewObj = 0x81, kExt1 = 0x82, kExt2 = 0x83;
inline constexpr uint8_t kExt4 = 0x84, kTuple1 = 0x85, kTuple2 = 0x86, kTuple3 = 0x87;
inline constexpr uint8_t kNewTrue = 0x88, kNewFalse = 0x89, kLong1 = 0x8a, kLong4 = 0x8b;
// Protocol 3.
inline constexpr uint8_t kBinBytes = 'B', kShortBinBytes = 'C';
// Protocol 4.
inline constexpr uint8_t kShortBinUnicode = 0x8c, kBinUnicode8 = 0x8d, kBinBytes8 = 0x8e;
inline constexpr uint8_t kEmptySet = 0x8f, kAddItems = 0x90, kFrozenSet = 0x91;
inline constexpr uint8_t kNewObjEx = 0x92, kStackGlobal = 0x93, kMemoize = 0x94;
inline constexpr uint8_t kFrame = 0x95;
// Protocol 5.
inline constexpr uint8_t kByteArray8 = 0x96, kNextBuffer = 0x97, kReadOnlyBuffer = 0x98;

// "BINUNICODE", or an empty view for bytes that are no pickle opcode.
absl::string_view Name(uint8_t opcode);

}  // namespace ferry::pickle::op

#endif  // FERRY_MODEL_LOADERS_PICKLE_OPCODES_H_
