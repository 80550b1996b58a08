#include <opencv2/core/utils/logger.hpp>
#include "liblog.h"

void vision_set_opencv_log(int quiet) {
    cv::utils::logging::setLogLevel(quiet ? cv::utils::logging::LOG_LEVEL_SILENT : cv::utils::logging::LOG_LEVEL_WARNING);
}
