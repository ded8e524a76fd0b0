# Convenience wrappers; tasks.py does the work (it needs only Python).
.PHONY: reproduce test install
reproduce:
	python3 tasks.py reproduce
test:
	python3 tasks.py test
install:
	python3 tasks.py install
