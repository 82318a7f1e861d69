#include "cli/scorer.h"

namespace ferry::cli {

Scorer ModelScorer(std::shared_ptr<const model::Model> model) {
  Scorer scorer;
  scorer.task = model->task();
  scorer.classes = model->classes();
  scorer.score = [model = std::move(model)](const RecordBatch& batch) {
    return model->Predict(batch);
  };
  return scorer;
}

}  // namespace ferry::cli
