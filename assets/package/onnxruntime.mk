
# ONNX Runtime, which runs the person detector (the program finds it in
# ../lib/storelens beside its bin folder; without it, it uses OpenCV).
install: install-onnxruntime
install-onnxruntime:
	install -Dm00644 usr/local/lib/storelens/libonnxruntime.so.1 $(DESTDIR)$(PREFIX)/lib/storelens/libonnxruntime.so.1
	install -Dm00644 usr/local/share/doc/storelens/onnxruntime-LICENSE $(DESTDIR)$(PREFIX)/share/doc/storelens/onnxruntime-LICENSE
uninstall: uninstall-onnxruntime
uninstall-onnxruntime:
	-rm $(DESTDIR)$(PREFIX)/lib/storelens/libonnxruntime.so.1 $(DESTDIR)$(PREFIX)/share/doc/storelens/onnxruntime-LICENSE
user-install: user-install-onnxruntime
user-install-onnxruntime:
	install -Dm00644 usr/local/lib/storelens/libonnxruntime.so.1 $(DESTDIR)$(HOME)/.local/lib/storelens/libonnxruntime.so.1
user-uninstall: user-uninstall-onnxruntime
user-uninstall-onnxruntime:
	-rm $(DESTDIR)$(HOME)/.local/lib/storelens/libonnxruntime.so.1
