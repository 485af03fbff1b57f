#include "models/torch_info.h"

#include <gtest/gtest.h>

#include "common/build_info.h"

namespace mpt {

TEST(TorchInfo, ReportsTheLinkedLibtorch) {
  TorchInfo t = torch_info();
  // The headers must be the libtorch the build was configured against (major.minor; Debian's
  // CMake config says 1.13.0 for its 1.13.1 headers).
  auto major_minor = [](const std::string& v) { return v.substr(0, v.find('.', v.find('.') + 1)); };
  ASSERT_FALSE(t.version.empty());
  EXPECT_EQ(major_minor(t.version), major_minor(build_info().torch_version));
  if (!t.cuda_available) EXPECT_EQ(t.cuda_device_count, 0);
  else EXPECT_GT(t.cuda_device_count, 0);
}

}  // namespace mpt
