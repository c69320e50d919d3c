"""Test support that never ships: the real WordPress test bed (testsite.wordpress). The generated
site it fills WordPress from lives in archiver.sitegen, which the demo uses too."""
