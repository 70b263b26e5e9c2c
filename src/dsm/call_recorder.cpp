#include "puq/dsm/client.hpp"

namespace puq::dsm {

namespace {
// The recorder open on this thread, if any (one per module call, see CallRecorder in client.hpp).
thread_local CallRecorder* t_current_recorder = nullptr;
}  // namespace

CallRecorder::CallRecorder() { t_current_recorder = this; }

CallRecorder::~CallRecorder() {
  if (t_current_recorder == this) t_current_recorder = nullptr;
}

void CallRecorder::record(CallRecord r) {
  if (t_current_recorder != nullptr) t_current_recorder->records_.push_back(std::move(r));
}

}  // namespace puq::dsm
