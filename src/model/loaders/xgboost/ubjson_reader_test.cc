// The UBJSON reader on hand-made bytes: every marker XGBoost writes, optimized containers,
// and hostile input (truncation, absurd counts, deep nesting, junk) that must give errors.
#include "model/loaders/xgboost/ubjson_reader.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ferry::model::xgboost {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

// {"a": [$d#i2 1.0f -2.0f], "b": [#i3 i-1 U255 S"x"], "c": {"d": I-300, "e": l70000,
//  "f": L5000000000, "g": D0.25, "h": T, "i": Z}, "j": [i1 N i2]}
std::string SampleDocument() {
  std::string doc = "{";
  doc += Bytes({'i', 1, 'a', '[', '$', 'd', '#', 'i', 2, 0x3F, 0x80, 0, 0, 0xC0, 0, 0, 0});
  doc += Bytes({'i', 1, 'b', '[', '#', 'i', 3, 'i', 0xFF, 'U', 0xFF, 'S', 'i', 1, 'x'});
  doc +=
      Bytes({'i', 1, 'c', '{', 'i', 1, 'd', 'I', 0xFE, 0xD4, 'i', 1, 'e', 'l', 0, 1, 0x11, 0x70});
  doc += Bytes({'i', 1, 'f', 'L', 0, 0, 0, 1, 0x2A, 0x05, 0xF2, 0});
  doc += Bytes(
      {'i', 1, 'g', 'D', 0x3F, 0xD0, 0, 0, 0, 0, 0, 0, 'i', 1, 'h', 'T', 'i', 1, 'i', 'Z', '}'});
  doc += Bytes({'i', 1, 'j', '[', 'i', 1, 'N', 'i', 2, ']', '}'});
  return doc;
}

TEST(UbjsonReaderTest, ReadsEveryMarkerXGBoostWrites) {
  auto doc = ReadUbjsonDocument(SampleDocument());
  ASSERT_TRUE(doc.ok()) << doc.status();
  ASSERT_EQ(doc->kind, DocNode::Kind::kObject);
  const DocNode* a = doc->Find("a");
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->kind, DocNode::Kind::kNumbers);
  EXPECT_THAT(a->numbers, ElementsAre(1.0, -2.0));
  const DocNode* b = doc->Find("b");
  ASSERT_EQ(b->kind, DocNode::Kind::kArray);
  ASSERT_EQ(b->items.size(), 3u);
  EXPECT_EQ(b->items[0].number, -1);
  EXPECT_EQ(b->items[1].number, 255);
  EXPECT_EQ(b->items[2].text, "x");
  const DocNode* c = doc->Find("c");
  ASSERT_EQ(c->kind, DocNode::Kind::kObject);
  EXPECT_EQ(c->Find("d")->number, -300);
  EXPECT_EQ(c->Find("e")->number, 70000);
  EXPECT_EQ(c->Find("f")->number, 5000000000.0);
  EXPECT_EQ(c->Find("g")->number, 0.25);
  EXPECT_EQ(c->Find("h")->kind, DocNode::Kind::kBool);
  EXPECT_TRUE(c->Find("h")->boolean);
  EXPECT_EQ(c->Find("i")->kind, DocNode::Kind::kNull);
  // An untyped array of numbers is stored compactly, as the JSON reader does; 'N' is skipped.
  const DocNode* j = doc->Find("j");
  ASSERT_EQ(j->kind, DocNode::Kind::kNumbers);
  EXPECT_THAT(j->numbers, ElementsAre(1.0, 2.0));
}

TEST(UbjsonReaderTest, EveryTruncationIsAnError) {
  std::string doc = SampleDocument();
  for (size_t n = 0; n < doc.size(); ++n) {
    auto result = ReadUbjsonDocument(doc.substr(0, n));
    EXPECT_FALSE(result.ok()) << "prefix of " << n << " bytes was accepted";
  }
}

TEST(UbjsonReaderTest, AbsurdCountsAreRejectedBeforeAllocating) {
  // A typed float array claiming 2^62 elements, an untyped one claiming 2^31-1, a string of
  // 2^40 bytes, and a negative count.
  auto typed =
      ReadUbjsonDocument(Bytes({'[', '$', 'd', '#', 'L', 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  ASSERT_FALSE(typed.ok());
  EXPECT_THAT(typed.status().message(), HasSubstr("exceeds"));
  EXPECT_FALSE(ReadUbjsonDocument(Bytes({'[', '#', 'l', 0x7F, 0xFF, 0xFF, 0xFF, 'Z'})).ok());
  auto text = ReadUbjsonDocument(Bytes({'S', 'L', 0, 0, 1, 0, 0, 0, 0, 0, 'a'}));
  ASSERT_FALSE(text.ok());
  EXPECT_THAT(text.status().message(), HasSubstr("string length"));
  auto negative = ReadUbjsonDocument(Bytes({'[', '#', 'i', 0xFF}));
  ASSERT_FALSE(negative.ok());
  EXPECT_THAT(negative.status().message(), HasSubstr("negative"));
}

TEST(UbjsonReaderTest, DeepNestingIsAnError) {
  std::string deep(200, '[');
  deep += std::string(200, ']');
  auto result = ReadUbjsonDocument(deep);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("nested deeper"));
}

TEST(UbjsonReaderTest, JunkIsAnError) {
  EXPECT_FALSE(ReadUbjsonDocument("").ok());
  auto trailing = ReadUbjsonDocument(Bytes({'Z', 'Z'}));
  ASSERT_FALSE(trailing.ok());
  EXPECT_THAT(trailing.status().message(), HasSubstr("after the document"));
  auto unknown = ReadUbjsonDocument(Bytes({'[', 'q', ']'}));
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(), HasSubstr("unknown type marker 0x71"));
  // A typed container must give a count; a key must be a counted string.
  EXPECT_FALSE(ReadUbjsonDocument(Bytes({'[', '$', 'd', 0x3F, 0x80, 0, 0, ']'})).ok());
  EXPECT_FALSE(ReadUbjsonDocument(Bytes({'{', 'S', 'i', 1, 'a', 'Z', '}'})).ok());
  // Containers of a type without payload would allow unbounded counts.
  EXPECT_FALSE(ReadUbjsonDocument(Bytes({'[', '$', 'Z', '#', 'i', 5})).ok());
}

TEST(UbjsonReaderTest, ReadsHighPrecisionNumbersAndChars) {
  auto doc = ReadUbjsonDocument(Bytes({'[', 'H', 'i', 3, '1', 'e', '3', 'C', 'z', ']'}));
  ASSERT_TRUE(doc.ok()) << doc.status();
  ASSERT_EQ(doc->kind, DocNode::Kind::kArray);
  EXPECT_EQ(doc->items[0].number, 1000);
  EXPECT_EQ(doc->items[1].text, "z");
}

}  // namespace
}  // namespace ferry::model::xgboost
