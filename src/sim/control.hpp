#pragma once
// The /control/ endpoint: test and demo hooks that a real NAS does not have (docs/simulator.md).
// Registered on the HTTP listener only.
#include <httplib.h>

#include "core.hpp"

namespace puq::sim {

void registerControlRoutes(httplib::Server& server, Core& core);

}  // namespace puq::sim
