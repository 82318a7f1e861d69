#include "model/loaders/xgboost/tree_convert.h"

#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace ferry::model::xgboost {
namespace {

// XGBoost refuses categories at or above 2^24 (they are not exact in float32).
constexpr double kMaxCategory = 16777216.0;

absl::Status Invalid(const std::string& path, absl::string_view field, size_t index,
                     absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ".", field, "[", index, "] ", what));
}

// values[i] must be an integer in [lo, hi).
absl::StatusOr<int64_t> IntegerAt(const std::vector<double>& values, size_t i, double lo, double hi,
                                  const std::string& path, absl::string_view field) {
  double v = values[i];
  if (!(v >= lo && v < hi) || v != std::floor(v)) {
    return Invalid(path, field, i,
                   absl::StrCat("= ", v, " should be an integer in [", lo, ", ", hi, ")"));
  }
  return static_cast<int64_t>(v);
}

// The named numeric array, required to have exactly `n` entries.
absl::StatusOr<const std::vector<double>*> ArrayOfLength(const DocNode& tree, absl::string_view key,
                                                         size_t n, const std::string& path) {
  auto values = GetNumbers(tree, key, path);
  if (!values.ok()) return values.status();
  if ((*values)->size() != n) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".", key, " has ", (*values)->size(),
                                                   " entries but the tree has ", n, " nodes"));
  }
  return *values;
}

// Where each categorical node's categories are: node id -> [begin, end) in `categories`.
struct CategoryIndex {
  const std::vector<double>* categories = nullptr;
  absl::flat_hash_map<int64_t, std::pair<size_t, size_t>> ranges;
};

absl::StatusOr<CategoryIndex> ReadCategoryIndex(const DocNode& tree, size_t num_nodes,
                                                const std::string& path) {
  CategoryIndex index;
  auto categories = GetNumbers(tree, "categories", path);
  auto nodes = GetNumbers(tree, "categories_nodes", path);
  auto segments = GetNumbers(tree, "categories_segments", path);
  auto sizes = GetNumbers(tree, "categories_sizes", path);
  for (const auto* s : {&categories, &nodes, &segments, &sizes}) {
    if (!s->ok()) return s->status();
  }
  size_t n = (*nodes)->size();
  if ((*segments)->size() != n || (*sizes)->size() != n) {
    return absl::InvalidArgumentError(
        absl::StrCat(path,
                     ": categories_nodes, categories_segments and categories_sizes should have the "
                     "same length but have ",
                     n, ", ", (*segments)->size(), " and ", (*sizes)->size()));
  }
  index.categories = *categories;
  const double total = static_cast<double>((*categories)->size());
  for (size_t k = 0; k < n; ++k) {
    auto node = IntegerAt(**nodes, k, 0, static_cast<double>(num_nodes), path, "categories_nodes");
    if (!node.ok()) return node.status();
    auto begin = IntegerAt(**segments, k, 0, total + 1, path, "categories_segments");
    if (!begin.ok()) return begin.status();
    auto size = IntegerAt(**sizes, k, 0, total - *begin + 1, path, "categories_sizes");
    if (!size.ok()) return size.status();
    if (!index.ranges.emplace(*node, std::make_pair(*begin, *begin + *size)).second) {
      return Invalid(path, "categories_nodes", k, absl::StrCat("repeats node ", *node));
    }
  }
  return index;
}

// The categories of one node as XGBoost's bitset: ceil((max category + 1) / 32) words.
absl::StatusOr<CategorySet> MakeCategorySet(const CategoryIndex& index, int64_t node,
                                            const std::string& path, size_t* category_words) {
  auto it = index.ranges.find(node);
  if (it == index.ranges.end()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": node ", node, " is a categorical split but categories_nodes does not list it"));
  }
  auto [begin, end] = it->second;
  int64_t max_category = -1;
  for (size_t i = begin; i < end; ++i) {
    auto c = IntegerAt(*index.categories, i, 0, kMaxCategory, path, "categories");
    if (!c.ok()) return c.status();
    max_category = std::max(max_category, *c);
  }
  size_t words = static_cast<size_t>((max_category + 1 + 31) / 32);
  if (words > kMaxCategoryWords - *category_words) {
    return absl::ResourceExhaustedError(
        absl::StrCat(path, ": the model's category sets would need more than ",
                     kMaxCategoryWords * 4, " bytes"));
  }
  *category_words += words;
  CategorySet set;
  set.member_goes_left = false;  // XGBoost sends the listed categories right
  set.bits.assign(words, 0);
  for (size_t i = begin; i < end; ++i) {
    auto c = static_cast<uint32_t>((*index.categories)[i]);
    set.bits[c / 32] |= uint32_t{1} << (c % 32);
  }
  return set;
}

}  // namespace

absl::StatusOr<Tree> ConvertTree(const DocNode& tree, const std::string& path, int32_t num_features,
                                 std::vector<CategorySet>* category_sets, size_t* category_words) {
  auto left = GetNumbers(tree, "left_children", path);
  if (!left.ok()) return left.status();
  const size_t n = (*left)->size();
  if (n == 0) return absl::InvalidArgumentError(absl::StrCat(path, " has no nodes"));
  if (n > static_cast<size_t>(INT32_MAX)) {
    return absl::InvalidArgumentError(absl::StrCat(path, " has too many nodes"));
  }
  auto param = GetOptional(tree, "tree_param", path);
  if (!param.ok()) return param.status();
  if (*param != nullptr) {
    auto declared = GetNumberOrNumericString(**param, "num_nodes", path + ".tree_param");
    if (!declared.ok()) return declared.status();
    if (*declared != static_cast<double>(n)) {
      return absl::InvalidArgumentError(absl::StrCat(path, ".tree_param.num_nodes is ", *declared,
                                                     " but left_children has ", n, " entries"));
    }
  }
  auto right = ArrayOfLength(tree, "right_children", n, path);
  if (!right.ok()) return right.status();
  auto feature = ArrayOfLength(tree, "split_indices", n, path);
  if (!feature.ok()) return feature.status();
  auto condition = ArrayOfLength(tree, "split_conditions", n, path);
  if (!condition.ok()) return condition.status();
  auto default_left = ArrayOfLength(tree, "default_left", n, path);
  if (!default_left.ok()) return default_left.status();
  // split_type and the category arrays appeared in XGBoost 1.5; older files have none.
  const std::vector<double>* split_type = nullptr;
  auto split_type_node = GetOptional(tree, "split_type", path);
  if (!split_type_node.ok()) return split_type_node.status();
  if (*split_type_node != nullptr) {
    auto types = ArrayOfLength(tree, "split_type", n, path);
    if (!types.ok()) return types.status();
    split_type = *types;
  }
  CategoryIndex categories;
  bool has_categories = false;

  Tree out;
  out.left_child.assign(n, -1);
  out.right_child.assign(n, -1);
  out.feature.assign(n, 0);
  out.threshold.assign(n, 0.0);
  out.missing_left.assign(n, 0);
  out.category_set.assign(n, -1);
  out.leaf_value.assign(n, 0.0);

  // Depth-first walk from the root; every node may be entered once.
  std::vector<uint8_t> seen(n, 0);
  std::vector<size_t> stack = {0};
  seen[0] = 1;
  const double node_limit = static_cast<double>(n);
  while (!stack.empty()) {
    size_t id = stack.back();
    stack.pop_back();
    float value = static_cast<float>((**condition)[id]);
    if ((**left)[id] == -1) {
      out.leaf_value[id] = value;
      continue;
    }
    auto l = IntegerAt(**left, id, 0, node_limit, path, "left_children");
    if (!l.ok()) return l.status();
    auto r = IntegerAt(**right, id, 0, node_limit, path, "right_children");
    if (!r.ok()) return r.status();
    for (int64_t child : {*l, *r}) {
      if (seen[child]) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": node ", child, " is reached twice (from node ", id,
                         "); the tree has a cycle or a shared child"));
      }
      seen[child] = 1;
      stack.push_back(static_cast<size_t>(child));
    }
    auto f = IntegerAt(**feature, id, 0, num_features, path, "split_indices");
    if (!f.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          f.status().message(), " (learner_model_param.num_feature is ", num_features, ")"));
    }
    out.left_child[id] = static_cast<int32_t>(*l);
    out.right_child[id] = static_cast<int32_t>(*r);
    out.feature[id] = static_cast<int32_t>(*f);
    out.threshold[id] = value;
    out.missing_left[id] = (**default_left)[id] != 0 ? 1 : 0;
    double type = split_type == nullptr ? 0 : (*split_type)[id];
    if (type == 1) {
      if (!has_categories) {
        auto index = ReadCategoryIndex(tree, n, path);
        if (!index.ok()) return index.status();
        categories = std::move(*index);
        has_categories = true;
      }
      auto set = MakeCategorySet(categories, static_cast<int64_t>(id), path, category_words);
      if (!set.ok()) return set.status();
      out.category_set[id] = static_cast<int32_t>(category_sets->size());
      category_sets->push_back(std::move(*set));
    } else if (type != 0) {
      return Invalid(path, "split_type", id,
                     absl::StrCat("= ", type, " should be 0 (numerical) or 1 (categorical)"));
    }
  }
  return out;
}

}  // namespace ferry::model::xgboost
