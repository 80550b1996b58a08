#ifdef __cplusplus
extern "C" {
#endif
void vision_set_opencv_log(int quiet);
#ifdef __cplusplus
}
#endif
