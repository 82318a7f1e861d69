// Typing of text cells (CSV fields): the Value a piece of text stands for.
//   ""                         -> null
//   "12", "-3", "+7", " 4 "    -> Int (when it fits in int64; larger integers become Float)
//   "1.5", "1e-3", ".5", "5."  -> Float, and the spellings Python's float() accepts for
//   "nan", "inf", "-Infinity"     non-finite values (any letter case, optional sign)
//   anything else              -> String, byte for byte (surrounding spaces kept)
// Leading and trailing spaces and tabs are ignored when looking for a number.
#ifndef FERRY_IO_CELL_PARSER_H_
#define FERRY_IO_CELL_PARSER_H_

#include <string_view>

#include "core/value.h"

namespace ferry::io {

Value ParseCell(std::string_view text);

}  // namespace ferry::io

#endif  // FERRY_IO_CELL_PARSER_H_
