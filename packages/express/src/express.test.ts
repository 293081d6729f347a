import { runAdapterSuite } from '@portcullis/testkit';
import express from 'express';
import { suiteApp } from './testing/app.js';

runAdapterSuite('express 5', suiteApp(express));
