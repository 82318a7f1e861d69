#include "model/loaders/sklearn/tree_reader.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "model/loaders/sklearn/common.h"

namespace ferry::model::sklearn {

absl::StatusOr<SklearnTree> ReadSklearnTree(const Object& owner, const Object& tree) {
  if (tree.kind != Object::Kind::kInstance || ClassName(tree) != "Tree") {
    return Error(owner,
                 absl::StrCat("tree_ must be a sklearn.tree._tree.Tree, got ", ClassName(tree)));
  }
  SklearnTree out;
  // Constructor arguments: (n_features, n_classes, n_outputs).
  if (tree.items.size() < 3) {
    return Error(owner,
                 "Tree: expected constructor arguments (n_features, n_classes, "
                 "n_outputs)");
  }
  auto num_features = tree.items[0]->AsInt("Tree n_features");
  if (!num_features.ok()) return Annotate(owner, num_features.status());
  auto num_classes = Ints(*tree.items[1], "Tree n_classes");
  if (!num_classes.ok()) return Annotate(owner, num_classes.status());
  auto num_outputs = tree.items[2]->AsInt("Tree n_outputs");
  if (!num_outputs.ok()) return Annotate(owner, num_outputs.status());
  if (*num_outputs < 1 || static_cast<int64_t>(num_classes->size()) != *num_outputs) {
    return Error(owner, absl::StrCat("Tree: n_classes has ", num_classes->size(),
                                     " entries for n_outputs = ", *num_outputs));
  }
  out.num_features = *num_features;
  out.num_outputs = *num_outputs;
  out.num_classes = std::move(*num_classes);
  out.value_stride = *std::max_element(out.num_classes.begin(), out.num_classes.end());

  auto nodes_obj = Need(tree, "nodes");
  if (!nodes_obj.ok()) return Annotate(owner, nodes_obj.status());
  auto nodes = (*nodes_obj)->AsArray("Tree nodes");
  if (!nodes.ok()) return Annotate(owner, nodes.status());
  const NdArray& a = **nodes;
  if (a.dtype.kind != 'V' || a.shape.size() != 1) {
    return Error(owner, absl::StrCat("Tree nodes: expected a 1-d structured array, got dtype ",
                                     a.dtype.ToString()));
  }
  const int64_t n = a.size();
  if (n < 1 || n > INT32_MAX) return Error(owner, "Tree nodes: bad node count");
  auto left = FieldInts(a, "left_child", "Tree nodes");
  auto right = FieldInts(a, "right_child", "Tree nodes");
  auto feature = FieldInts(a, "feature", "Tree nodes");
  auto threshold = FieldDoubles(a, "threshold", "Tree nodes");
  for (const absl::Status& s :
       {left.status(), right.status(), feature.status(), threshold.status()}) {
    if (!s.ok()) return Annotate(owner, s);
  }
  std::vector<int64_t> missing_left(n, 0);
  if (HasField(a, "missing_go_to_left")) {
    auto m = FieldInts(a, "missing_go_to_left", "Tree nodes");
    if (!m.ok()) return Annotate(owner, m.status());
    missing_left = std::move(*m);
    out.has_missing_field = true;
  }

  Tree& t = out.tree;
  t.left_child.resize(n);
  t.right_child.resize(n);
  t.feature.resize(n);
  t.threshold = std::move(*threshold);
  t.missing_left.resize(n);
  t.category_set.assign(n, -1);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t l = (*left)[i], r = (*right)[i];
    const bool leaf = l == -1;
    if (leaf ? r != -1 : (l <= i || r <= i || l >= n || r >= n)) {
      return Error(owner, absl::StrCat("Tree node ", i, " has invalid children (", l, ", ", r,
                                       ") for ", n, " nodes"));
    }
    const int64_t f = (*feature)[i];
    if (!leaf && (f < 0 || f >= out.num_features)) {
      return Error(
          owner, absl::StrCat("Tree node ", i, " splits on feature ", f, " of ", out.num_features));
    }
    t.left_child[i] = static_cast<int32_t>(l);
    t.right_child[i] = static_cast<int32_t>(r);
    t.feature[i] = leaf ? 0 : static_cast<int32_t>(f);
    t.missing_left[i] = missing_left[i] != 0 ? 1 : 0;
  }

  auto values_obj = Need(tree, "values");
  if (!values_obj.ok()) return Annotate(owner, values_obj.status());
  std::vector<int64_t> vshape = ShapeOf(**values_obj);
  if (vshape.size() != 3 || vshape[0] != n || vshape[1] != out.num_outputs ||
      vshape[2] != out.value_stride) {
    return Error(owner, absl::StrCat("Tree values: expected shape (", n, ", ", out.num_outputs,
                                     ", ", out.value_stride, ")"));
  }
  auto values = Doubles(**values_obj, "Tree values");
  if (!values.ok()) return Annotate(owner, values.status());
  out.values = std::move(*values);
  return out;
}

absl::StatusOr<SklearnTree> ReadEstimatorTree(const Object& est) {
  auto tree = Need(est, "tree_");
  if (!tree.ok()) return tree.status();
  return ReadSklearnTree(est, **tree);
}

}  // namespace ferry::model::sklearn
